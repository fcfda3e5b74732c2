// Record-key placeholders inside multi-field (complex) keys, as Hudi writes them: `f:__null__`
// for a null value and `f:__empty__` for an empty one.

export const NULL_RECORDKEY_PLACEHOLDER = '__null__';
export const EMPTY_RECORDKEY_PLACEHOLDER = '__empty__';
