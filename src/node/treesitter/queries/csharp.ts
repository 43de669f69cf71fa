// Tags query for C#: namespaces (block and file-scoped), classes, records and their positional
// properties, structs, interfaces, enums and members, delegates, methods, constructors, properties,
// fields, events; calls, `new`, every type position, attributes, Capitalised receivers of static
// members; `using` directives.
export const CSHARP_TAGS = `
(namespace_declaration name: [(identifier) (qualified_name)] @name body: (declaration_list) @body) @definition.namespace
(file_scoped_namespace_declaration name: [(identifier) (qualified_name)] @name) @definition.namespace
(class_declaration name: (identifier) @name body: (declaration_list) @body) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name body: (declaration_list) @body) @definition.class
(record_declaration parameters: (parameter_list (parameter name: (identifier) @name) @definition.field))
(struct_declaration name: (identifier) @name body: (declaration_list) @body) @definition.struct
(interface_declaration name: (identifier) @name body: (declaration_list) @body) @definition.interface
(enum_declaration name: (identifier) @name body: (enum_member_declaration_list) @body) @definition.enum
(enum_member_declaration name: (identifier) @name) @definition.constant
(delegate_declaration name: (identifier) @name) @definition.type

(method_declaration name: (identifier) @name) @definition.method
(method_declaration name: (identifier) @name body: (block) @body) @definition.method
(constructor_declaration name: (identifier) @name body: (block) @body) @definition.constructor
(property_declaration name: (identifier) @name) @definition.field
(property_declaration name: (identifier) @name accessors: (accessor_list) @body) @definition.field
(field_declaration (variable_declaration (variable_declarator . (identifier) @name))) @definition.field
((field_declaration (modifier) @_const (variable_declaration (variable_declarator . (identifier) @name))) @definition.constant
  (#eq? @_const "const"))
(event_field_declaration (variable_declaration (variable_declarator . (identifier) @name))) @definition.field

(invocation_expression function: (identifier) @reference.call)
(invocation_expression function: (generic_name . (identifier) @reference.call))
(invocation_expression function: (member_access_expression name: (identifier) @reference.call))
(invocation_expression function: (member_access_expression name: (generic_name . (identifier) @reference.call)))
(object_creation_expression type: (identifier) @reference.type)
(object_creation_expression type: (generic_name . (identifier) @reference.type))
(object_creation_expression type: (qualified_name (identifier) @reference.type .))
(_ type: (identifier) @reference.type)
(_ type: (generic_name . (identifier) @reference.type))
(_ type: (qualified_name (identifier) @reference.type .))
(type_argument_list (identifier) @reference.type)
(type_argument_list (generic_name . (identifier) @reference.type))
(nullable_type (identifier) @reference.type)
(base_list (identifier) @reference.type)
(base_list (generic_name . (identifier) @reference.type))
(base_list (qualified_name (identifier) @reference.type .))
(attribute name: (identifier) @reference.type)
((member_access_expression expression: (identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
(type_parameter_list (type_parameter name: (identifier) @local))

(using_directive . [(identifier) (qualified_name)] @import.source @import.namespace) @import
(using_directive (name_equals) (qualified_name (_) @import.source (identifier) @import.name .)) @import
`;
export const CSHARP_TOP_LEVEL_TAGS = '';
