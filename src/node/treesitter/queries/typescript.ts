// Tags query for TypeScript (.ts): the ECMAScript patterns plus types, interfaces, enums,
// namespaces, declarations without bodies, and every use of a type name.
import { ECMASCRIPT_DEFINITIONS, ECMASCRIPT_IMPORTS, ECMASCRIPT_REFERENCES, ECMASCRIPT_TOP_LEVEL } from './ecmascript';

export const TYPESCRIPT_ONLY = `
(abstract_class_declaration name: (type_identifier) @name body: (class_body) @body) @definition.class
(interface_declaration name: (type_identifier) @name body: (_) @body) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(type_alias_declaration name: (type_identifier) @name value: (object_type) @body) @definition.type
(enum_declaration name: (identifier) @name body: (enum_body) @body) @definition.enum
(enum_body name: (property_identifier) @name @definition.constant)
(enum_body (enum_assignment name: (property_identifier) @name) @definition.constant)
(internal_module name: [(identifier) (nested_identifier)] @name body: (statement_block) @body) @definition.namespace
(module name: [(identifier) (nested_identifier)] @name body: (statement_block) @body) @definition.module

; Declarations without a body: overloads, ambient functions, abstract and interface members.
(function_signature name: (identifier) @name) @definition.function
(abstract_method_signature name: (property_identifier) @name) @definition.method
(interface_body (method_signature name: (property_identifier) @name) @definition.method)
(interface_body (property_signature name: (property_identifier) @name) @definition.field)
(type_alias_declaration name: (type_identifier) @container value: (object_type (method_signature name: (property_identifier) @name) @definition.method))
(type_alias_declaration name: (type_identifier) @container value: (object_type (property_signature name: (property_identifier) @name) @definition.field))

; Class fields, and constructor parameters that declare fields (private x: T, readonly y).
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.field
(method_definition
  name: (property_identifier) @_ctor
  parameters: (formal_parameters (required_parameter (accessibility_modifier) pattern: (identifier) @name) @definition.field)
  (#eq? @_ctor "constructor"))
(method_definition
  name: (property_identifier) @_ctor
  parameters: (formal_parameters (required_parameter "readonly" pattern: (identifier) @name) @definition.field)
  (#eq? @_ctor "constructor"))

; Type uses: annotations, generics, extends/implements, satisfies/as. The declaring name is dropped
; by the extractor (it is a definition's @name).
(type_identifier) @reference.type
(type_parameter name: (type_identifier) @local)
(extends_clause value: (identifier) @reference.type)
(extends_clause value: (member_expression property: (property_identifier) @reference.type))

(import_require_clause (identifier) @import.namespace source: (string (string_fragment) @import.source)) @import
`;

export const TYPESCRIPT_TAGS = ECMASCRIPT_DEFINITIONS + TYPESCRIPT_ONLY + ECMASCRIPT_REFERENCES + ECMASCRIPT_IMPORTS;

export const TYPESCRIPT_TOP_LEVEL_TAGS = ECMASCRIPT_TOP_LEVEL;
