import { Schema, type Connection, type Types } from 'mongoose';
import { API_SCOPES, type ApiScope, type ApiTokenDto } from '@kamflo/shared';

/** An API token. Only the SHA-256 of its secret is stored; revoking keeps it listed. */
export interface ApiTokenDoc {
  _id: Types.ObjectId;
  name: string;
  scopes: ApiScope[];
  /** SHA-256 (hex) of the whole secret: how a request finds its token. */
  hash: string;
  /** `kf_` and the next 8 characters, shown to tell tokens apart. */
  prefix: string;
  createdAt: Date;
  createdById: string;
  createdByName: string;
  revokedAt?: Date;
}

/**
 * When a token was last used, apart from the token: FerretDB 1.x writes an update as a whole new
 * document built from what it read, so a last-used write racing a revocation on the same
 * document could undo the revocation.
 */
export interface ApiTokenUseDoc {
  /** The token's id. */
  _id: string;
  lastUsedAt: Date;
}

const tokenSchema = new Schema<ApiTokenDoc>(
  {
    name: { type: String, required: true },
    scopes: { type: [String], enum: API_SCOPES, required: true },
    hash: { type: String, required: true },
    prefix: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdById: { type: String, required: true },
    createdByName: { type: String, required: true },
    revokedAt: Date,
  },
  { versionKey: false },
);
tokenSchema.index({ hash: 1 }, { unique: true });
// The admin list, newest first.
tokenSchema.index({ createdAt: -1, _id: -1 });

const useSchema = new Schema<ApiTokenUseDoc>({ _id: String, lastUsedAt: { type: Date, required: true } }, { versionKey: false });

export function apiTokenModels(conn: Connection) {
  return {
    Token: conn.model<ApiTokenDoc>('ApiToken', tokenSchema, 'api_tokens'),
    Use: conn.model<ApiTokenUseDoc>('ApiTokenUse', useSchema, 'api_token_uses'),
  };
}

export function toApiTokenDto(t: ApiTokenDoc, lastUsedAt?: Date): ApiTokenDto {
  return {
    id: String(t._id),
    name: t.name,
    scopes: [...t.scopes],
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    createdBy: { id: t.createdById, name: t.createdByName },
    ...(lastUsedAt ? { lastUsedAt: lastUsedAt.toISOString() } : {}),
    ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
  };
}
