import { createHash, randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const API_KEY_PREFIX = "pp_";

function base62(bytes: Buffer) {
  let n = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(43, "0");
}

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** `pp_` + 32 CSPRNG bytes in base62. Only the hash and a short display prefix are ever stored. */
export function generateApiKey() {
  const key = API_KEY_PREFIX + base62(randomBytes(32));
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}
