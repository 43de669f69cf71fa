// Tags query for Ruby: modules, classes, methods (`def self.x` too; top-level `def` is a
// function), constants, attr_reader/writer/accessor fields; calls with a receiver or arguments,
// every constant used (classes, modules, constants); require / require_relative / load.
export const RUBY_TAGS = `
(module name: (constant) @name) @definition.module
(module name: (constant) @name body: (body_statement) @body) @definition.module
(module name: (scope_resolution name: (constant) @name)) @definition.module
(module name: (scope_resolution name: (constant) @name) body: (body_statement) @body) @definition.module
(class name: (constant) @name) @definition.class
(class name: (constant) @name body: (body_statement) @body) @definition.class
(class name: (scope_resolution name: (constant) @name)) @definition.class
(class name: (scope_resolution name: (constant) @name) body: (body_statement) @body) @definition.class

(method name: (_) @name) @definition.method
(method name: (_) @name body: (body_statement) @body) @definition.method
(singleton_method name: (_) @name) @definition.method
(singleton_method name: (_) @name body: (body_statement) @body) @definition.method
((method name: (identifier) @name body: (body_statement) @body) @definition.constructor (#eq? @name "initialize"))

(assignment left: (constant) @name) @definition.constant
(assignment left: (constant) @name right: [(hash) (array)] @body) @definition.constant
(assignment left: (constant) @name right: (call receiver: [(hash) (array)] @body)) @definition.constant
((call method: (identifier) @_attr arguments: (argument_list (simple_symbol) @name)) @definition.field
  (#any-of? @_attr "attr_reader" "attr_writer" "attr_accessor"))

((call method: (identifier) @reference.call)
  (#not-any-of? @reference.call "require" "require_relative" "load" "attr_reader" "attr_writer" "attr_accessor" "include" "extend" "prepend" "private" "protected" "public"))
(call method: (constant) @reference.call)
(constant) @reference.type

((call method: (identifier) @_require arguments: (argument_list . (string (string_content) @import.source @import.namespace))) @import
  (#any-of? @_require "require" "require_relative" "load"))
`;

/** A `def` at file level is a function (run from the file node only, see ecmascript.ts; overrides `method`). */
export const RUBY_TOP_LEVEL_TAGS = `
(program (method name: (_) @name) @definition.function)
(program (method name: (_) @name body: (body_statement) @body) @definition.function)
`;
