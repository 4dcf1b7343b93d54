// A local SMTP server for the browser tests, started before the Steward server (global-setup.ts
// passes the environment on): every email is written to a temp directory the tests read
// (`inject('mailDir')`), e.g. the survey email and its single-use link.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-mail-'));
  let n = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c) => {
        data += c;
      });
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        writeFileSync(join(dir, `${String(++n).padStart(4, '0')}.eml`), `X-Envelope-To: ${to}\r\n${data}`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  // A server reused through STEWARD_E2E_URL keeps its own mail settings.
  process.env.STEWARD_SMTP_URL ??= `smtp://127.0.0.1:${port}`;
  project.provide('mailDir', dir);
  return async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mailDir: string;
  }
}
