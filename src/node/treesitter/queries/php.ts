// Tags query for PHP: namespaces, functions, classes, interfaces, traits, enums and cases,
// methods, constructors, properties (promoted ones too), constants; function, method and static
// calls, `new`, type declarations, extends/implements, trait use, Class::CONST; `use` imports and
// require/include of a literal path.
const NOT_A_CLASS = `"static" "self" "parent"`;

const includes = ['require_expression', 'require_once_expression', 'include_expression', 'include_once_expression']
  .map((t) => `
(${t} (string (string_content) @import.source @import.namespace)) @import
(${t} (binary_expression right: (string (string_content) @import.source @import.namespace))) @import`).join('');

export const PHP_TAGS = `
(namespace_definition name: (namespace_name) @name) @definition.namespace
(namespace_definition name: (namespace_name) @name body: (compound_statement) @body) @definition.namespace
(function_definition name: (name) @name body: (compound_statement) @body) @definition.function
(class_declaration name: (name) @name body: (declaration_list) @body) @definition.class
(interface_declaration name: (name) @name body: (declaration_list) @body) @definition.interface
(trait_declaration name: (name) @name body: (declaration_list) @body) @definition.trait
(enum_declaration name: (name) @name body: (enum_declaration_list) @body) @definition.enum
(enum_case name: (name) @name) @definition.constant
(method_declaration name: (name) @name) @definition.method
(method_declaration name: (name) @name body: (compound_statement) @body) @definition.method
((method_declaration name: (name) @name body: (compound_statement) @body) @definition.constructor
  (#eq? @name "__construct"))
(property_declaration (property_element (variable_name (name) @name))) @definition.field
(property_promotion_parameter name: (variable_name (name) @name)) @definition.field
(const_declaration (const_element . (name) @name)) @definition.constant

(function_call_expression function: (name) @reference.call)
(function_call_expression function: (qualified_name (name) @reference.call .))
(member_call_expression name: (name) @reference.call)
(nullsafe_member_call_expression name: (name) @reference.call)
(scoped_call_expression name: (name) @reference.call)
((scoped_call_expression scope: (name) @reference.type) (#not-any-of? @reference.type ${NOT_A_CLASS}))
(scoped_call_expression scope: (qualified_name (name) @reference.type .))
((object_creation_expression (name) @reference.type) (#not-any-of? @reference.type ${NOT_A_CLASS}))
(object_creation_expression (qualified_name (name) @reference.type .))
((named_type (name) @reference.type) (#not-any-of? @reference.type ${NOT_A_CLASS}))
(named_type (qualified_name (name) @reference.type .))
(base_clause (name) @reference.type)
(base_clause (qualified_name (name) @reference.type .))
(class_interface_clause (name) @reference.type)
(class_interface_clause (qualified_name (name) @reference.type .))
(use_declaration (name) @reference.type)
((class_constant_access_expression . (name) @reference.type) (#not-any-of? @reference.type ${NOT_A_CLASS}))
((scoped_property_access_expression scope: (name) @reference.type) (#not-any-of? @reference.type ${NOT_A_CLASS}))

(namespace_use_declaration (namespace_use_clause (name) @import.source @import.namespace)) @import
(namespace_use_declaration (namespace_use_clause
  (qualified_name (namespace_name_as_prefix (namespace_name) @import.source) (name) @import.name))) @import
(namespace_use_declaration
  (namespace_name) @import.source
  (namespace_use_group (namespace_use_group_clause (namespace_name) @import.name))) @import
${includes}
`;
export const PHP_TOP_LEVEL_TAGS = '';
