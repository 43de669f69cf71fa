// Tags query for Rust: functions, methods in impl and trait blocks (container = the impl's type or
// the trait), structs, unions, enums and their variants, fields, traits, type aliases, consts and
// statics, macro_rules!, modules; calls, method calls, paths, macro invocations, type names; `use`.
export const RUST_TAGS = `
(function_item name: (identifier) @name body: (block) @body) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(impl_item body: (declaration_list
  (function_item name: (identifier) @name body: (block) @body) @definition.method))
(trait_item body: (declaration_list
  (function_item name: (identifier) @name body: (block) @body) @definition.method))
(trait_item body: (declaration_list
  (function_signature_item name: (identifier) @name) @definition.method))

(struct_item name: (type_identifier) @name) @definition.struct
(struct_item name: (type_identifier) @name body: (_) @body) @definition.struct
(union_item name: (type_identifier) @name body: (_) @body) @definition.struct
(enum_item name: (type_identifier) @name body: (enum_variant_list) @body) @definition.enum
(enum_variant_list (enum_variant name: (identifier) @name) @definition.constant)
(field_declaration_list (field_declaration name: (field_identifier) @name) @definition.field)
(trait_item name: (type_identifier) @name body: (declaration_list) @body) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(static_item (mutable_specifier) name: (identifier) @name) @definition.variable
(macro_definition name: (identifier) @name) @definition.macro
(mod_item name: (identifier) @name) @definition.module
(mod_item name: (identifier) @name body: (declaration_list) @body) @definition.module

(impl_item
  type: [
    (type_identifier) @scope.name
    (generic_type type: (type_identifier) @scope.name)
    (scoped_type_identifier name: (type_identifier) @scope.name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @scope.name))]
  body: (declaration_list)) @scope

(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression field: (field_identifier) @reference.call))
(call_expression function: (scoped_identifier name: (identifier) @reference.call))
(call_expression function: (generic_function function: (identifier) @reference.call))
(call_expression function: (generic_function function: (field_expression field: (field_identifier) @reference.call)))
(call_expression function: (generic_function function: (scoped_identifier name: (identifier) @reference.call)))
(macro_invocation macro: (identifier) @reference.call)
(macro_invocation macro: (scoped_identifier name: (identifier) @reference.call))
((type_identifier) @reference.type (#not-eq? @reference.type "Self"))
; Type::assoc(), Enum::Variant
((scoped_identifier path: (identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
(type_parameters (type_identifier) @local)
(constrained_type_parameter left: (type_identifier) @local)

(use_declaration argument: (identifier) @import.source @import.namespace) @import
(use_declaration argument: (scoped_identifier path: (_) @import.source name: (identifier) @import.name)) @import
(use_declaration argument: (use_as_clause path: (identifier) @import.source @import.namespace)) @import
(use_declaration argument: (use_as_clause path: (scoped_identifier path: (_) @import.source name: (identifier) @import.name))) @import
(use_declaration argument: (use_wildcard (_) @import.source) @import.namespace) @import
(use_declaration argument: (scoped_use_list path: (_) @import.source)) @import
(use_declaration argument: (scoped_use_list
  path: (_) @import.source
  list: (use_list [
    (identifier) @import.name
    (use_as_clause path: (identifier) @import.name)
    (scoped_identifier) @import.name
    (use_as_clause path: (scoped_identifier) @import.name)]))) @import
`;
export const RUST_TOP_LEVEL_TAGS = '';
