/** Transactional auth mails. Every interpolated value is escaped in the HTML part. */
export function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function linkMail(subject: string, intro: string, action: string, url: string, outro: string) {
  const text = `${intro}\n\n${action}: ${url}\n\n${outro}\n\n— PingPilot`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 16px;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>
<p style="color:#555;font-size:13px">${escapeHtml(outro)}<br>${escapeHtml(url)}</p>
</body></html>`;
  return { subject, text, html };
}

export const authMails = {
  magicLink: (url: string) =>
    linkMail("Your PingPilot sign-in link", "Use this link to sign in to PingPilot. It works once and expires in 10 minutes.", "Sign in", url, "If you did not ask for it, ignore this mail."),
  verifyEmail: (url: string) =>
    linkMail("Confirm your email for PingPilot", "Confirm this address to receive PingPilot notifications by email.", "Confirm email", url, "If you did not create a PingPilot account, ignore this mail."),
  resetPassword: (url: string) =>
    linkMail("Reset your PingPilot password", "Someone asked to reset the password of your PingPilot account. The link expires in 1 hour.", "Choose a new password", url, "If it was not you, ignore this mail; your password stays as it is."),
  confirmEmailChange: (url: string, newEmail: string) =>
    linkMail("Confirm your new email for PingPilot", `Confirm that your PingPilot account should use ${newEmail} from now on.`, "Confirm the change", url, "If you did not ask for this change, ignore this mail."),
};
