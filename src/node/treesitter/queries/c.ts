// Tags query for C: functions (definitions and prototypes), structs, unions, enums and their
// constants, typedefs, fields, file-level variables, #define macros; calls, type names; #include.
// The C++ query (cpp.ts) reuses these patterns: tree-sitter-cpp has every C node type.

/**
 * Where a declaration is file-level: the file itself (those patterns run in the top-level query,
 * from the file node only, see ecmascript.ts), the first branch of a preprocessor conditional
 * (#else/#elif branches mostly define the same names again, and each parent here costs ~70 ms of
 * query compilation with the C++ grammar), an extern "C" or namespace body.
 */
const FILE_LEVEL = ['preproc_ifdef', 'preproc_if', 'declaration_list'];

/** The declarator of a variable named by @name, bare or behind `*`, `[]`, `= value`. */
const VARIABLE_DECLARATOR = `[
  (identifier) @name
  (pointer_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (pointer_declarator declarator: (identifier) @name))
  (array_declarator declarator: (identifier) @name)
  (init_declarator declarator: (identifier) @name)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
  (init_declarator declarator: (pointer_declarator declarator: (pointer_declarator declarator: (identifier) @name)))
  (init_declarator declarator: (array_declarator declarator: (identifier) @name))]`;

const variablesIn = (parent: string): string => `
(${parent} (declaration ${VARIABLE_DECLARATOR}) @definition.variable)
((${parent} (declaration (type_qualifier) @_const ${VARIABLE_DECLARATOR}) @definition.constant) (#any-of? @_const "const" "constexpr"))`;

/**
 * Function prototypes, at file level only: inside a body, C++ reads `Foo x(y);` as one (the most
 * vexing parse), and C code rarely declares functions there.
 */
const prototypesIn = (parent: string): string => `
(${parent} (declaration [
  (function_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
  (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))]) @definition.function)`;

/** Definitions shared by C and C++. Declarators without a field name: a field name matches only its first child. */
export const C_FAMILY_DEFINITIONS = `
${FILE_LEVEL.map(prototypesIn).join('')}
(function_definition declarator: [
  (function_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
  (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))]
  body: (compound_statement) @body) @definition.function
${FILE_LEVEL.map(variablesIn).join('')}

(struct_specifier name: (type_identifier) @name body: (field_declaration_list) @body) @definition.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list) @body) @definition.struct
(enum_specifier name: (type_identifier) @name body: (enumerator_list) @body) @definition.enum
(enumerator name: (identifier) @name) @definition.constant
(type_definition declarator: (type_identifier) @name) @definition.type
(type_definition type: (_ body: (_) @body) declarator: (type_identifier) @name) @definition.type
; typedef struct { ... } name: the typedef is the struct (its fields' container).
(type_definition type: (struct_specifier !name body: (_) @body) declarator: (type_identifier) @name) @definition.struct
(type_definition type: (union_specifier !name body: (_) @body) declarator: (type_identifier) @name) @definition.struct
(type_definition type: (enum_specifier !name body: (_) @body) declarator: (type_identifier) @name) @definition.enum
(type_definition declarator: (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))) @definition.type
(field_declaration_list (field_declaration [
  (field_identifier) @name
  (pointer_declarator declarator: (field_identifier) @name)
  (pointer_declarator declarator: (pointer_declarator declarator: (field_identifier) @name))
  (array_declarator declarator: (field_identifier) @name)
  (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))]) @definition.field)

(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
; An include guard (#define FOO_H) defines nothing anyone uses.
((preproc_def name: (identifier) @name !value) @definition.none (#match? @name "_H(PP|XX)?_*$"))
`;

export const C_FAMILY_REFERENCES = `
(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression field: (field_identifier) @reference.call))
(type_identifier) @reference.type
`;

export const C_FAMILY_IMPORTS = `
(preproc_include path: (_) @import.source @import.namespace) @import
`;

export const C_TAGS = C_FAMILY_DEFINITIONS + C_FAMILY_REFERENCES + C_FAMILY_IMPORTS;

/** Prototypes and variables directly in the file. */
export const C_FAMILY_TOP_LEVEL = prototypesIn('translation_unit') + variablesIn('translation_unit');
export const C_TOP_LEVEL_TAGS = C_FAMILY_TOP_LEVEL;
