import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed certificate for 127.0.0.1/localhost, made with the system's openssl. */
export interface TlsCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM text of the certificate, which is its own CA: pass as `tls: { ca }`. */
  readonly ca: string;
  /** Removes the files. */
  remove(): void;
}

export function createTlsCertificate(): TlsCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'engram-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { certFile, keyFile, ca: readFileSync(certFile, 'utf8'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** redis-server arguments for a TLS port next to the plain one (which startRedis uses to see that it is up). */
export function redisTlsArgs(cert: TlsCertificate, tlsPort: number): string[] {
  return ['--tls-port', String(tlsPort), '--tls-cert-file', cert.certFile, '--tls-key-file', cert.keyFile, '--tls-ca-cert-file', cert.certFile, '--tls-auth-clients', 'no'];
}
