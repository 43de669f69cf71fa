// Tags query for Python: functions, classes, methods (decorated or not), module constants and
// variables, class attributes and the `self.x = ...` of __init__; calls, annotations, base
// classes, decorators; import and from-import.
export const PYTHON_TAGS = `
(function_definition name: (identifier) @name body: (block) @body) @definition.function
(decorated_definition definition: (function_definition name: (identifier) @name body: (block) @body)) @definition.function
(class_definition name: (identifier) @name body: (block) @body) @definition.class
(decorated_definition definition: (class_definition name: (identifier) @name body: (block) @body)) @definition.class

(class_definition body: (block
  (function_definition name: (identifier) @name body: (block) @body) @definition.method))
(class_definition body: (block
  (decorated_definition definition: (function_definition name: (identifier) @name body: (block) @body)) @definition.method))
((class_definition body: (block
   (function_definition name: (identifier) @name body: (block) @body) @definition.constructor))
  (#eq? @name "__init__"))

(class_definition body: (block (expression_statement (assignment left: (identifier) @name) @definition.field)))
((function_definition
   name: (identifier) @_init
   body: (block (expression_statement
     (assignment left: (attribute object: (identifier) @_self attribute: (identifier) @name)) @definition.field)))
  (#eq? @_init "__init__")
  (#eq? @_self "self"))

(call function: (identifier) @reference.call)
(call function: (attribute attribute: (identifier) @reference.call))
(decorator (identifier) @reference.call)
(decorator (attribute attribute: (identifier) @reference.call))

(type (identifier) @reference.type)
(type (attribute attribute: (identifier) @reference.type))
(type (string (string_content) @reference.type))
(generic_type (identifier) @reference.type)
(class_definition superclasses: (argument_list (identifier) @reference.type))
(class_definition superclasses: (argument_list (attribute attribute: (identifier) @reference.type)))

(import_statement name: (dotted_name) @import.source @import.namespace) @import
(import_statement name: (aliased_import name: (dotted_name) @import.source @import.namespace)) @import
(import_from_statement module_name: (_) @import.source) @import
(import_from_statement module_name: (_) @import.source name: (dotted_name) @import.name) @import
(import_from_statement module_name: (_) @import.source name: (aliased_import name: (dotted_name) @import.name)) @import
(import_from_statement module_name: (_) @import.source (wildcard_import) @import.namespace) @import
`;

/** Module-level variables, UPPER_CASE ones as constants (run from the file node only, see ecmascript.ts). */
export const PYTHON_TOP_LEVEL_TAGS = `
(module (expression_statement (assignment left: (identifier) @name) @definition.variable))
((module (expression_statement (assignment left: (identifier) @name) @definition.constant))
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))
`;
