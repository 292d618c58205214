import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { RunConfig } from '../config/types.js';
import { formatVersion } from '../domain/revision.js';
import type { ValuesFiles } from '../plan/helm-commands.js';

/** revisions/<version>/control-plane.yaml and data-plane.yaml, when the project has them. */
export function valuesFiles(config: RunConfig, cwd: string): ValuesFiles {
  const dir = join(config.istio.valuesDir, formatVersion(config.to.version));
  const find = (name: string): string | undefined => {
    const path = join(dir, name);
    const absolute = isAbsolute(path) ? path : join(cwd, path);
    if (!existsSync(absolute)) return undefined;
    return isAbsolute(path) ? path : relative(cwd, absolute) || path;
  };
  return { controlPlane: find('control-plane.yaml'), dataPlane: find('data-plane.yaml') };
}
