/**
 * Text from outside (names, file names, messages) shown as written: Unicode direction controls
 * (embeddings, overrides, isolates, LRM/RLM, ALM) make "gnp.exe" with a right-to-left override
 * read as "exe.png". They are shown as visible `⟨U+202E⟩` marks instead of being applied.
 */
const DIRECTION_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every direction control replaced by a visible mark such as `⟨U+202E⟩`. */
export function showDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
