import { query } from "../../../test/db";

export type Connection = {
  id: string;
  object: string;
  environment: string;
  provider: string;
  enabled: boolean;
  credentials: { set: boolean; secret_key_last4: string | null };
  webhook_url: string | null;
};
export type Rule = {
  id: string;
  object: string;
  action: string;
  provider: string;
  currency: string | null;
  country: string | null;
  percentage: number | null;
};
export type Payment = {
  id: string;
  provider: string | null;
  routing: {
    provider: string;
    reason: string;
    candidates: Array<{ provider: string; eligible: boolean; estimated_fee: number | null; reason: string }>;
  } | null;
};

export const SECRET = "sk_live_51ProvidersTestSecretAbCd";
export const WEBHOOK_SECRET = "whsec_cHJvdmlkZXJzLXRlc3Qtd2ViaG9vaw==";
export const stripeBody = {
  provider: "stripe",
  credentials: { secret_key: SECRET, webhook_secret: WEBHOOK_SECRET },
};

export async function stored(id: string): Promise<string> {
  const [row] = await query<{ credentials_encrypted: string }>(
    "select credentials_encrypted from provider_connections where id = $1",
    [id],
  );
  return row?.credentials_encrypted ?? "";
}
