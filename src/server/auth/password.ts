import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { passwordLengthProblem } from "@/shared/password-policy";

/** @node-rs/argon2 Algorithm.Argon2id (a const enum, not importable under isolatedModules). */
const ARGON2ID = 2;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~20 ms here, memory-hard against GPUs.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }) {
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed hash never authenticates
  }
}

// The ~49k most common leaked passwords, shipped inside @zxcvbn-ts/language-common (no network).
const common = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));

export function passwordProblem(password: string): string | undefined {
  const length = passwordLengthProblem(password);
  if (length) return length;
  if (common.has(password.toLowerCase())) return "This password is in a list of commonly used passwords. Choose another.";
  return undefined;
}
