import { describe, expect, it } from 'vitest';
import { showDirectionControls } from './display-text.ts';

describe('showDirectionControls', () => {
  it('shows a right-to-left override instead of applying it', () => {
    expect(showDirectionControls('report-\u202Egnp.exe')).toBe('report-⟨U+202E⟩gnp.exe');
  });

  it('marks every embedding, override, isolate and mark', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    const shown = showDirectionControls(controls.join(''));
    expect(shown).toBe('⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+202E⟩⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩');
  });

  it('leaves other text, right-to-left scripts included, as it is', () => {
    for (const text of ['Weekend upgrade', 'تحديث نهاية الأسبوع', 'Ünïcödé ✓', '']) expect(showDirectionControls(text)).toBe(text);
  });
});
