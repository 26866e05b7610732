/** Password rules: length only, no composition rules; the common-password check runs on the server. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Length in Unicode code points, so "any Unicode" counts characters, not UTF-16 units. */
export const passwordLength = (password: string) => [...password].length;

export function passwordLengthProblem(password: string): string | undefined {
  const n = passwordLength(password);
  if (n < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (n > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return undefined;
}
