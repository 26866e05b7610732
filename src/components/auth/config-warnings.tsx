"use client";
import { useEffect, useState } from "react";
import { WarningMessage } from "@/components/ui/form-messages";

export const COOKIES_BLOCKED_MESSAGE = "Your browser blocks cookies for this site; PingPilot needs one cookie to keep you signed in.";
export const COOKIE_NOT_KEPT_MESSAGE = "You were signed in, but your browser did not keep the session cookie. Allow cookies for this site and try again.";

/**
 * Misconfiguration explained instead of a sign-in loop: the page's origin differs
 * from APP_URL (computed on the server), or the browser refuses cookies (only knowable here).
 */
export function ConfigWarnings({ originMismatch }: { originMismatch?: { pageOrigin: string; appOrigin: string } }) {
  const [cookiesBlocked, setCookiesBlocked] = useState(false);
  useEffect(() => {
    // navigator is only available after hydration; the server render cannot know.
    setCookiesBlocked(navigator.cookieEnabled === false);
  }, []);

  if (!originMismatch && !cookiesBlocked) return null;
  return (
    <div className="mb-5 space-y-3">
      {originMismatch ? (
        <WarningMessage testId="origin-mismatch">
          This page is open at {originMismatch.pageOrigin}, but PingPilot is configured with APP_URL={originMismatch.appOrigin}. Sign-in cookies only work on{" "}
          <a className="font-medium underline underline-offset-2" href={originMismatch.appOrigin}>
            {originMismatch.appOrigin}
          </a>{" "}
          — open {originMismatch.appOrigin} or set APP_URL.
        </WarningMessage>
      ) : null}
      {cookiesBlocked ? <WarningMessage testId="cookies-blocked">{COOKIES_BLOCKED_MESSAGE}</WarningMessage> : null}
    </div>
  );
}
