// Tags query for Java: classes, records, interfaces, annotation types, enums and their constants,
// methods, constructors, fields (static final ones as constants), record components; method calls,
// type names, annotations, Capitalised receivers of static calls and fields; imports.
export const JAVA_TAGS = `
(class_declaration name: (identifier) @name body: (class_body) @body) @definition.class
(record_declaration name: (identifier) @name body: (class_body) @body) @definition.class
(interface_declaration name: (identifier) @name body: (interface_body) @body) @definition.interface
(annotation_type_declaration name: (identifier) @name body: (annotation_type_body) @body) @definition.interface
(enum_declaration name: (identifier) @name body: (enum_body) @body) @definition.enum
(enum_constant name: (identifier) @name) @definition.constant

(method_declaration name: (identifier) @name) @definition.method
(method_declaration name: (identifier) @name body: (block) @body) @definition.method
(constructor_declaration name: (identifier) @name body: (constructor_body) @body) @definition.constructor
(compact_constructor_declaration name: (identifier) @name body: (block) @body) @definition.constructor
(annotation_type_element_declaration name: (identifier) @name) @definition.method

(field_declaration (variable_declarator name: (identifier) @name)) @definition.field
(field_declaration (modifiers "static" "final") (variable_declarator name: (identifier) @name)) @definition.constant
(field_declaration (modifiers "final" "static") (variable_declarator name: (identifier) @name)) @definition.constant
(constant_declaration (variable_declarator name: (identifier) @name)) @definition.constant
(record_declaration parameters: (formal_parameters (formal_parameter name: (identifier) @name) @definition.field))

(method_invocation name: (identifier) @reference.call)
(type_identifier) @reference.type
((method_invocation object: (identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
((field_access object: (identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
((method_reference . (identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
(marker_annotation name: (identifier) @reference.type)
(annotation name: (identifier) @reference.type)
(type_parameter . (type_identifier) @local)

(import_declaration (scoped_identifier scope: (_) @import.source name: (identifier) @import.name) .) @import
(import_declaration (scoped_identifier) @import.source (asterisk) @import.namespace) @import
`;
export const JAVA_TOP_LEVEL_TAGS = '';
