/** Key paths into a compose model: map keys and sequence indexes. */

/** A key path: map keys and sequence indexes. */
export type KeyPath = (string | number)[];

/** Joins a key path for sets of paths (`!reset`/`!override` tags). Never throws. */
export const pathKey = (p: KeyPath): string => p.join('\0');
