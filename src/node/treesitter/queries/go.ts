// Tags query for Go: functions, methods (container = receiver type), struct/interface/other types,
// struct fields, interface methods, package-level const and var; calls, every type name except the
// predeclared ones; imports (one ImportSpec per path).
export const GO_TAGS = `
(function_declaration name: (identifier) @name) @definition.function
(function_declaration name: (identifier) @name body: (block) @body) @definition.function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: [
    (type_identifier) @container
    (pointer_type (type_identifier) @container)
    (generic_type type: (type_identifier) @container)
    (pointer_type (generic_type type: (type_identifier) @container))]))
  name: (field_identifier) @name
  body: (block) @body) @definition.method

(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(type_spec name: (type_identifier) @name type: (struct_type (field_declaration_list) @body)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type) @body) @definition.interface
(field_declaration_list (field_declaration (field_identifier) @name) @definition.field)
(interface_type (method_spec name: (field_identifier) @name) @definition.method)


(call_expression function: (identifier) @reference.call)
(call_expression function: (selector_expression field: (field_identifier) @reference.call))
(call_expression function: (index_expression operand: (identifier) @reference.call))
((type_identifier) @reference.type
  (#not-any-of? @reference.type
    "any" "bool" "byte" "comparable" "complex64" "complex128" "error" "float32" "float64"
    "int" "int8" "int16" "int32" "int64" "rune" "string"
    "uint" "uint8" "uint16" "uint32" "uint64" "uintptr"))
(type_parameter_list (parameter_declaration (identifier) @local))
(method_declaration receiver: (parameter_list (parameter_declaration type: [
  (generic_type type_arguments: (type_arguments (type_identifier) @local))
  (pointer_type (generic_type type_arguments: (type_arguments (type_identifier) @local)))])))

(import_spec path: (_) @import.source) @import
(import_spec !name path: (_) @import.source @import.namespace) @import
(import_spec name: [(package_identifier) (dot)] path: (_) @import.source @import.namespace) @import
`;

/** Package-level const and var (run from the file node only, see ecmascript.ts). */
export const GO_TOP_LEVEL_TAGS = `
(source_file (const_declaration (const_spec (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec (identifier) @name) @definition.variable))
`;
