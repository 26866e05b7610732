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
    linkMail(
      "Confirm your email for PingPilot",
      "Confirm this address to receive PingPilot notifications by email.",
      "Confirm email",
      url,
      "If you did not create a PingPilot account, ignore this mail.",
    ),
  resetPassword: (url: string) =>
    linkMail(
      "Reset your PingPilot password",
      "Someone asked to reset the password of your PingPilot account. The link expires in 1 hour.",
      "Choose a new password",
      url,
      "If it was not you, ignore this mail; your password stays as it is.",
    ),
  /** To the current address: nothing changes until it is confirmed from here. */
  confirmEmailChange: (url: string, newEmail: string) =>
    linkMail(
      "Confirm the email change of your PingPilot account",
      `Someone signed in to your PingPilot account asked to change its email to ${newEmail}. Nothing changes unless you confirm here; then ${newEmail} gets a link to verify it.`,
      "Confirm the change",
      url,
      "If it was not you, do not follow the link, and change your password: someone may be signed in as you.",
    ),
  /** To the new address, once the current one confirmed. */
  verifyNewEmail: (url: string, newEmail: string) =>
    linkMail("Verify your new email for PingPilot", `Verify ${newEmail} to make it the email of your PingPilot account.`, "Verify email", url, "If you did not ask for this change, ignore this mail."),
  /** To the previous address, when the change is done. */
  emailChanged: (newEmail: string, appUrl: string) =>
    linkMail(
      "The email of your PingPilot account was changed",
      `Your PingPilot account now uses ${newEmail}. Sign-in links, password resets and notifications go there from now on.`,
      "Open PingPilot",
      appUrl,
      "If you did not make this change, tell whoever runs this PingPilot at once: someone may have taken over your account.",
    ),
  /** To the owner of an address someone tried to sign up with; the sign-up answer itself does not say the address is taken. */
  signUpAttempt: (signInUrl: string, resetUrl: string) =>
    linkMail(
      "Someone tried to sign up to PingPilot with your email",
      "Someone tried to create a PingPilot account with this address, which already has one. If it was you, sign in instead, or reset your password if you forgot it.",
      "Sign in",
      signInUrl,
      `Forgot your password? Reset it at ${resetUrl} — if it was not you, ignore this mail; your account is unchanged.`,
    ),
};

/** Names are people's own words: kept to one line, as they go into the subject too. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** An invitation to a workspace; the link opens the invitation page, which needs a sign-in with this address. */
export function workspaceInvitationMail(url: string, invitation: { workspaceName: string; inviterName: string; role: "admin" | "member" }) {
  const workspace = oneLine(invitation.workspaceName);
  const inviter = oneLine(invitation.inviterName) || "Someone";
  return linkMail(
    `${inviter} invited you to ${workspace} on PingPilot`,
    `${inviter} invited you to join the workspace "${workspace}" on PingPilot as ${invitation.role === "admin" ? "an admin" : "a member"}. Sign in, or create an account, with this email address to accept. The link works once and expires in 7 days.`,
    "Accept the invitation",
    url,
    "If you did not expect this invitation, ignore this mail.",
  );
}
