/** "Chrome on macOS" from a User-Agent header; good enough to recognise one's own devices. */
export function describeUserAgent(ua: string | null | undefined): { browser: string; os: string; mobile: boolean } {
  if (!ua) return { browser: "Unknown browser", os: "unknown system", mobile: false };
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /HeadlessChrome\//.test(ua)
          ? "Headless Chrome"
          : /Chrome\/|CriOS\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua) && /Version\//.test(ua)
              ? "Safari"
              : /curl\//i.test(ua)
                ? "curl"
                : "Unknown browser";
  const os = /iPhone|iPad|iPod/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Linux/.test(ua)
              ? "Linux"
              : "unknown system";
  return { browser, os, mobile: /Mobi|iPhone|Android/.test(ua) };
}

/**
 * Readable IP: expanded IPv6 ("2001:0db8:0000:…") is shortened the usual way ("2001:db8::…").
 * The server may store IPv6 addresses truncated to their /64 network, hence the trailing "::".
 */
export function formatIp(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  if (!ip.includes(":") || ip.includes("::") || ip.includes(".")) return ip;
  const groups = ip.split(":").map((g) => g.replace(/^0+(?=.)/, "").toLowerCase());
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLength).join(":");
  const short = `${head}::${tail}`;
  return short === "::" || short === "::1" ? `${short} (local)` : short;
}
