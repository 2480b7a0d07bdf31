import { Readable } from 'node:stream';
import mongoose, { Schema, type Connection, type Types } from 'mongoose';

/**
 * Attachments live in the database (GridFS: 255 KB chunks in `attachments.chunks`, metadata in
 * `attachments.files`), so every server process reads what any other stored, with no shared
 * disk, and backups of the database include them. See ARCHITECTURE.md.
 */
const BUCKET = 'attachments';

// Declared only so db/indexes.ts creates GridFS's collections and indexes up front (the driver
// would otherwise create them on the first upload, under load).
const filesSchema = new Schema({ filename: String, uploadDate: Date }, { strict: false, versionKey: false });
filesSchema.index({ filename: 1, uploadDate: 1 });
const chunksSchema = new Schema({ files_id: Schema.Types.ObjectId, n: Number }, { strict: false, versionKey: false });
chunksSchema.index({ files_id: 1, n: 1 }, { unique: true });
export function attachmentFilesModel(conn: Connection) {
  return conn.model('AttachmentFile', filesSchema, `${BUCKET}.files`);
}
export function attachmentChunksModel(conn: Connection) {
  return conn.model('AttachmentChunk', chunksSchema, `${BUCKET}.chunks`);
}

export interface StoredAttachment {
  id: Types.ObjectId;
  name: string;
  type: string;
  size: number;
}

export function createAttachmentStore(conn: Connection) {
  const bucket = () => new mongoose.mongo.GridFSBucket(conn.db!, { bucketName: BUCKET });

  /** Store under a fixed id; a half-written copy from a crashed attempt is replaced. */
  async function put(id: Types.ObjectId, file: { name: string; type: string; content: Buffer }): Promise<StoredAttachment> {
    const b = bucket();
    await b.delete(id).catch(() => {});
    await attachmentChunksModel(conn).deleteMany({ files_id: id });
    await new Promise<void>((resolve, reject) => {
      Readable.from([file.content])
        .pipe(b.openUploadStreamWithId(id, file.name, { metadata: { contentType: file.type } }))
        .on('finish', () => resolve())
        .on('error', reject);
    });
    return { id, name: file.name, type: file.type, size: file.content.length };
  }

  async function info(id: Types.ObjectId): Promise<{ name: string; type: string; size: number } | null> {
    const f = await bucket().find({ _id: id }).next();
    if (!f) return null;
    return { name: f.filename, type: String((f.metadata as { contentType?: string } | undefined)?.contentType ?? 'application/octet-stream'), size: f.length };
  }

  function open(id: Types.ObjectId): NodeJS.ReadableStream {
    return bucket().openDownloadStream(id);
  }

  return { put, info, open };
}
export type AttachmentStore = ReturnType<typeof createAttachmentStore>;
