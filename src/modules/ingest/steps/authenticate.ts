// authenticate: the write key names the workspace. It runs per request before the body is read:
// a key in the Basic auth header (analytics-node, rudder-sdk-node) is checked before a byte of
// the body; a key in the body (posthog-node's api_key, the raw API's writeKey) is checked as soon
// as the streaming read reaches it (request-body.ts), so a bad key stops the read there.
import type { Deps, WorkspaceRef } from '../../../context.ts';
import { AppError } from '../../../errors.ts';
import { msg } from '../../../i18n/index.ts';
import { findWorkspaceByWriteKey } from '../../auth/index.ts';
import { getWorkspace, toRef } from '../../workspaces/index.ts';
import { drop, ok, type StepResult } from './result.ts';

/** Body fields that may carry the write key, as Segment's raw API and posthog-node send it. */
export const WRITE_KEY_FIELDS = ['writeKey', 'write_key', 'api_key'] as const;

export type AuthFailure = 'missing_write_key' | 'unknown_write_key';

/** The Basic auth username (Segment's write key convention; the password is empty). */
export function writeKeyFromHeader(authorization: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const user = decoded.split(':')[0];
  return user ? user : undefined;
}

export const missingWriteKey = () =>
  drop<AuthFailure>(
    'missing_write_key',
    'Missing write key: send it as the Basic auth username, or as writeKey or api_key in the first 512 KB of the body',
  );

/**
 * The authenticate step for one process: a key's workspace is looked up on every request (a
 * revoked key stops working at once); the workspace's settings are cached per process.
 */
export function createAuthenticator(deps: Deps) {
  const workspaces = new Map<string, WorkspaceRef>();
  return async (key: string | undefined): Promise<StepResult<WorkspaceRef, AuthFailure>> => {
    if (!key) return missingWriteKey();
    const workspaceId = await findWorkspaceByWriteKey(deps, key);
    if (!workspaceId) return drop<AuthFailure>('unknown_write_key', 'Unknown or revoked write key');
    let workspace = workspaces.get(workspaceId);
    if (!workspace) {
      workspace = toRef(await getWorkspace(deps, workspaceId));
      workspaces.set(workspaceId, workspace);
    }
    return ok(workspace);
  };
}

/** The 401's message in the caller's language (the drop's detail is the counted reason's English). */
export const authFailureMessage = (reason: AuthFailure) =>
  reason === 'unknown_write_key' ? msg('ticket.error.unknownKey') : msg('ingest.error.missingWriteKey');

/** The HTTP answer to a failed authentication: 401, nothing read further, nothing stored. */
export function authenticated<T>(result: StepResult<T, AuthFailure>): T {
  if (!result.ok) throw new AppError('unauthenticated', authFailureMessage(result.reason));
  return result.value;
}
