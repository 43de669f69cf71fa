// Tags query for C++: the C patterns (c.ts) plus classes, namespaces, `using` aliases, templates
// (the definition starts at `template <...>`), methods declared or defined in a class body and
// out of line (`int Foo::bar() {}`, container Foo), constructors; qualified and template calls,
// `Type::member` scopes; #include and `using` declarations.
import { C_FAMILY_DEFINITIONS, C_FAMILY_IMPORTS, C_FAMILY_REFERENCES, C_FAMILY_TOP_LEVEL } from './c';

/** A method's own declarator, bare or behind a returned `*` / `&`; the name is @name. */
const METHOD_DECLARATOR = `[
  (function_declarator declarator: [(field_identifier) (identifier)] @name)
  (pointer_declarator declarator: (function_declarator declarator: [(field_identifier) (identifier)] @name))
  (reference_declarator (function_declarator declarator: [(field_identifier) (identifier)] @name))]`;

/** `Owner::name` in an out-of-line definition: the owner is @container. */
const QUALIFIED = `(qualified_identifier
  scope: [(namespace_identifier) @container (template_type name: (type_identifier) @container)]
  name: (identifier) @name)`;
const QUALIFIED_DECLARATOR = `[
  (function_declarator declarator: ${QUALIFIED})
  (pointer_declarator declarator: (function_declarator declarator: ${QUALIFIED}))
  (reference_declarator (function_declarator declarator: ${QUALIFIED}))]`;

const CPP_ONLY = `
(class_specifier name: (type_identifier) @name body: (field_declaration_list) @body) @definition.class
(template_declaration (class_specifier name: (type_identifier) @name body: (field_declaration_list) @body)) @definition.class
(template_declaration (struct_specifier name: (type_identifier) @name body: (field_declaration_list) @body)) @definition.struct
(namespace_definition name: [(namespace_identifier) (nested_namespace_specifier)] @name body: (declaration_list) @body) @definition.namespace
(alias_declaration name: (type_identifier) @name) @definition.type
(template_declaration (function_definition declarator: [
  (function_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
  (reference_declarator (function_declarator declarator: (identifier) @name))]
  body: (compound_statement) @body)) @definition.function

(field_declaration_list (field_declaration declarator: ${METHOD_DECLARATOR}) @definition.method)
(field_declaration_list (function_definition declarator: ${METHOD_DECLARATOR} body: (_) @body) @definition.method)
(field_declaration_list (template_declaration (function_definition declarator: ${METHOD_DECLARATOR} body: (_) @body)) @definition.method)
(field_declaration_list (declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.constructor)
(field_declaration_list (function_definition !type declarator: (function_declarator declarator: (identifier) @name) body: (_) @body) @definition.constructor)
(field_declaration_list (field_declaration (reference_declarator (field_identifier) @name)) @definition.field)

(function_definition declarator: ${QUALIFIED_DECLARATOR} body: (_) @body) @definition.method
(template_declaration (function_definition declarator: ${QUALIFIED_DECLARATOR} body: (_) @body)) @definition.method
((function_definition !type
   declarator: (function_declarator declarator: ${QUALIFIED}) body: (_) @body) @definition.constructor
  (#eq? @container @name))
((template_declaration (function_definition !type
   declarator: (function_declarator declarator: ${QUALIFIED}) body: (_) @body)) @definition.constructor
  (#eq? @container @name))

(call_expression function: (qualified_identifier name: (identifier) @reference.call))
(call_expression function: (qualified_identifier name: (template_function name: (identifier) @reference.call)))
(call_expression function: (template_function name: (identifier) @reference.call))
(call_expression function: (field_expression field: (template_method name: (field_identifier) @reference.call)))
((qualified_identifier scope: (namespace_identifier) @reference.type) (#match? @reference.type "^[A-Z]"))
(template_parameter_list (type_parameter_declaration (type_identifier) @local))

(using_declaration "namespace" [(identifier) (qualified_identifier)] @import.source @import.namespace) @import
((using_declaration (qualified_identifier scope: (_) @import.source name: (identifier) @import.name)) @import
  (#not-match? @import "^using +namespace"))
`;

export const CPP_TAGS = C_FAMILY_DEFINITIONS + CPP_ONLY + C_FAMILY_REFERENCES + C_FAMILY_IMPORTS;
export const CPP_TOP_LEVEL_TAGS = C_FAMILY_TOP_LEVEL;
