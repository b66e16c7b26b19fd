/** SWF's limits on what a request carries: an input, result or details field, a reason, a name or an id. */
export const SWF_LIMITS = { data: 32_768, reason: 256, id: 256 } as const;

/**
 * SWF's rule for names and ids (domains, types, task lists, activity and timer ids): 1 to 256 characters,
 * no ':', '/', '|', no control characters (U+0000–U+001F, U+007F–U+009F), and not the literal "arn".
 */
export function swfNameProblem(value: string, maxLength = 256): string | undefined {
  if (value.length < 1 || value.length > maxLength) return `must be 1 to ${maxLength} characters`;
  if (value === 'arn') return 'must not be the literal "arn"';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (character === ':' || character === '/' || character === '|') {
      return 'must not contain ":", "/" or "|"';
    }
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return 'must not contain control characters';
  }
  return undefined;
}
