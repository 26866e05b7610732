import Provider from "oidc-provider";

export const OIDC_CLIENT = { id: "pingpilot-e2e", secret: "e2e-oidc-client-secret-0123456789" };

/**
 * A real OpenID Connect provider (the oidc-provider package) with its development login
 * screens: any login name signs in as `<login>@sso.example`, email verified.
 */
export async function startOidcProvider(issuer: string, redirectUri: string) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        claims: async () => ({ sub: id, email: `${id}@sso.example`, email_verified: true, name: `SSO ${id}` }),
      };
    },
    cookies: { keys: ["e2e-oidc-cookie-key-0123456789abcdef"] },
    features: { devInteractions: { enabled: true } },
  });
  const port = Number(new URL(issuer).port);
  const server = provider.listen(port);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}
