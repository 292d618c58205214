// The simulator's egress proxy as the admission and egress tests look at it: its unix socket in
// the run dir, and what it saw (GET /connects, the recent CONNECTs of kube-apiserver).
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const runDir = fileURLToPath(new URL('../.run/', import.meta.url));
export const egressSocket = `${runDir}egress.sock`;

export interface SeenConnect {
  target: string;
  status: number;
  detail: string;
}

export function connects(): Promise<SeenConnect[]> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: egressSocket, path: '/connects' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve((JSON.parse(body) as { connects: SeenConnect[] }).connects));
    });
    req.on('error', reject);
    req.end();
  });
}
