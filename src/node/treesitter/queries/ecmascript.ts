// Tags patterns shared by the javascript, typescript and tsx grammars: only node types all three
// have. The capture names are the contract described in ../extract.ts; later patterns override
// earlier ones for the same name.

/** Functions, classes, methods. */
export const ECMASCRIPT_DEFINITIONS = `
(function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function
(generator_function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function

(class_declaration name: (_) @name body: (class_body) @body) @definition.class

(method_definition
  name: [(property_identifier) (private_property_identifier) (string)] @name
  body: (statement_block) @body) @definition.method
((method_definition name: (property_identifier) @name body: (statement_block) @body) @definition.constructor
  (#eq? @name "constructor"))
`;

/**
 * Module-level bindings, exported or not (inside functions they are locals, not definitions).
 * Patterns rooted at the file node go in a separate query run with maxStartDepth 0: in the main
 * query each of them would stay in progress over the whole tree (measured: +40 % query time).
 */
export const ECMASCRIPT_TOP_LEVEL = `
(program (lexical_declaration kind: "let" (variable_declarator name: (identifier) @name)) @definition.variable)
(program (export_statement declaration: (lexical_declaration kind: "let" (variable_declarator name: (identifier) @name)) @definition.variable))
(program (variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(program (export_statement declaration: (variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable))
(program (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name)) @definition.constant)
(program (export_statement declaration: (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name)) @definition.constant))
; An object or array literal is the binding's body: its signature is the first line.
(program (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name value: [(object) (array)] @body)) @definition.constant)
(program (export_statement declaration: (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name value: [(object) (array)] @body)) @definition.constant))

; Bindings holding a function are functions.
(program (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)])) @definition.function)
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)])) @definition.function))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function body: (statement_block) @body) (function_expression body: (statement_block) @body) (generator_function body: (statement_block) @body)])) @definition.function))
(program (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function body: (statement_block) @body) (function_expression body: (statement_block) @body) (generator_function body: (statement_block) @body)])) @definition.function)

; CommonJS and prototype style, at module level: exports.name = function () {}, Foo.prototype.bar = ...
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function body: (statement_block) @body) (function_expression body: (statement_block) @body)]) @definition.function))
((program (expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @container property: (property_identifier) @_prototype)
    property: (property_identifier) @name)
  right: [(arrow_function body: (statement_block) @body) (function_expression body: (statement_block) @body)]) @definition.method))
  (#eq? @_prototype "prototype"))

; const fs = require('fs') binds a module, it defines nothing.
((program (lexical_declaration (variable_declarator name: (identifier) @name value: (call_expression function: (identifier) @_require))) @definition.none)
  (#eq? @_require "require"))
((program (variable_declaration (variable_declarator name: (identifier) @name value: (call_expression function: (identifier) @_require))) @definition.none)
  (#eq? @_require "require"))
`;

/** Calls, constructions, and the class a class extends. */
export const ECMASCRIPT_REFERENCES = `
((call_expression function: (identifier) @reference.call) (#not-eq? @reference.call "require"))
(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @reference.call))
(new_expression constructor: (identifier) @reference.type)
(new_expression constructor: (member_expression property: (property_identifier) @reference.type))
; Static members of a capitalised name (an enum, a class, a namespace): Color.Red, Cache.create
((member_expression object: (identifier) @reference.other) (#match? @reference.other "^[A-Z]"))
`;

/** ES imports and re-exports, CommonJS require, dynamic import(). */
export const ECMASCRIPT_IMPORTS = `
(import_statement source: (string (string_fragment) @import.source)) @import
(import_statement (import_clause (identifier) @import.default) source: (string (string_fragment) @import.source)) @import
(import_statement (import_clause (namespace_import) @import.namespace) source: (string (string_fragment) @import.source)) @import
; A list of names is captured whole (@import.names), not name by name: a pattern capturing each
; entry of a list and then needing a field after it keeps one match in progress per entry, each
; stepped on every later node of the list (measured: 72 s for an import of 3,000 names, 150 s
; for an \`export { ... }\` of 3,000 names without a source, which matches nothing).
(import_statement (import_clause (named_imports) @import.names) source: (string (string_fragment) @import.source)) @import

(export_statement source: (string (string_fragment) @import.source)) @import
(export_statement "*" @import.namespace source: (string (string_fragment) @import.source)) @import
(export_statement (namespace_export) @import.namespace source: (string (string_fragment) @import.source)) @import
(export_statement (export_clause) @import.names source: (string (string_fragment) @import.source)) @import

((call_expression
   function: (identifier) @_require
   arguments: (arguments . (string (string_fragment) @import.source))) @import
  (#eq? @_require "require"))
((variable_declarator
   name: (identifier) @import.namespace
   value: (call_expression
     function: (identifier) @_require
     arguments: (arguments . (string (string_fragment) @import.source))) @import)
  (#eq? @_require "require"))
((variable_declarator
   name: (object_pattern) @import.names
   value: (call_expression
     function: (identifier) @_require
     arguments: (arguments . (string (string_fragment) @import.source))) @import)
  (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import.source))) @import
`;

/** JSX: a capitalised element is a component, used like a call. */
export const JSX_REFERENCES = `
((jsx_opening_element name: (identifier) @reference.call) (#match? @reference.call "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @reference.call) (#match? @reference.call "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @reference.call))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @reference.call))
`;
