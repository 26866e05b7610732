/** One outgoing mail: a plain-text part always, an HTML part when the template has one. */
export type MailMessage = { to: string; subject: string; text: string; html?: string };
