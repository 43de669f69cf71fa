// Tags query for .tsx: TypeScript's, plus components used as JSX elements.
import { JSX_REFERENCES } from './ecmascript';
import { TYPESCRIPT_TAGS, TYPESCRIPT_TOP_LEVEL_TAGS } from './typescript';

export const TSX_TAGS = TYPESCRIPT_TAGS + JSX_REFERENCES;
export const TSX_TOP_LEVEL_TAGS = TYPESCRIPT_TOP_LEVEL_TAGS;
