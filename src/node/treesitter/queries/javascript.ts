// Tags query for JavaScript (.js, .jsx, .mjs, .cjs): the ECMAScript patterns, class fields,
// the class named after `extends`, and JSX components.
import { ECMASCRIPT_DEFINITIONS, ECMASCRIPT_IMPORTS, ECMASCRIPT_REFERENCES, ECMASCRIPT_TOP_LEVEL, JSX_REFERENCES } from './ecmascript';

const JAVASCRIPT_ONLY = `
(field_definition property: [(property_identifier) (private_property_identifier)] @name) @definition.field
(class_heritage (identifier) @reference.type)
(class_heritage (member_expression property: (property_identifier) @reference.type))
`;

export const JAVASCRIPT_TAGS = ECMASCRIPT_DEFINITIONS + JAVASCRIPT_ONLY + ECMASCRIPT_REFERENCES + ECMASCRIPT_IMPORTS + JSX_REFERENCES;
export const JAVASCRIPT_TOP_LEVEL_TAGS = ECMASCRIPT_TOP_LEVEL;
