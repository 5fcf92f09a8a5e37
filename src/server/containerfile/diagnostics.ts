/*
 * Containerfile diagnostics: unknown instructions, a missing first FROM, invalid base image
 * references, base images that are not in any local store (a pull would happen), COPY --from
 * sources that are neither a stage nor a local image, and instructions the OCI format drops.
 */
import { parseReference } from '../../store/reference';
import { isStoreError } from '../../store/errors';
import { INSTRUCTION_BY_KEYWORD } from './instructions';
import { fromParts, type ParsedContainerfile, type Range } from './parser';
import type { LocalImageIndex } from './local-images';

export const enum Severity {
  Error = 1,
  Warning = 2,
  Information = 3,
  Hint = 4,
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  message: string;
  code: string;
  deprecated?: boolean;
}

const DOCKER_ONLY = new Set(['HEALTHCHECK', 'SHELL', 'ONBUILD']);

export function containerfileDiagnostics(doc: ParsedContainerfile, images: LocalImageIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stages: string[] = [];
  let sawFrom = false;
  for (const inst of doc.instructions) {
    const info = INSTRUCTION_BY_KEYWORD.get(inst.keyword);
    if (!info) {
      out.push({ range: inst.keywordRange, severity: Severity.Error, code: 'unknown-instruction', message: `Unknown instruction ${inst.keyword}` });
      continue;
    }
    if (!sawFrom && inst.keyword !== 'FROM' && inst.keyword !== 'ARG') {
      out.push({ range: inst.keywordRange, severity: Severity.Error, code: 'no-from', message: `${inst.keyword} comes before the first FROM: a build must start with FROM (only ARG may precede it)` });
    }
    if (info.deprecated) {
      out.push({ range: inst.keywordRange, severity: Severity.Hint, code: 'deprecated', message: info.deprecated, deprecated: true });
    }
    if (DOCKER_ONLY.has(inst.keyword)) {
      out.push({
        range: inst.keywordRange,
        severity: Severity.Information,
        code: 'docker-format-only',
        message: `${inst.keyword} is kept only in Docker-format images; podman build drops it unless you pass --format docker`,
      });
    }
    if (inst.keyword === 'FROM') {
      sawFrom = true;
      const { image, stage } = fromParts(inst);
      if (!image) {
        out.push({ range: inst.range, severity: Severity.Error, code: 'from-missing-image', message: 'FROM needs a base image (or scratch)' });
        continue;
      }
      if (stage) stages.push(stage.toLowerCase());
      checkImage(image, inst.argsRange, stages.slice(0, stage ? -1 : undefined), images, out, 'base image');
    }
    if ((inst.keyword === 'COPY' || inst.keyword === 'ADD') && inst.flags.from) {
      const src = inst.flags.from;
      if (!/^\d+$/.test(src)) checkImage(src, inst.argsRange, stages, images, out, 'COPY --from source');
    }
  }
  return out;
}

function checkImage(image: string, range: Range, stages: string[], images: LocalImageIndex, out: Diagnostic[], what: string): void {
  if (image === 'scratch' || image.includes('$') || stages.includes(image.toLowerCase())) return;
  try {
    parseReference(image);
  } catch (e) {
    if (!isStoreError(e)) throw e;
    out.push({ range, severity: Severity.Error, code: 'invalid-reference', message: `Invalid ${what} "${image}": ${e.message}` });
    return;
  }
  if (!images.find(image)) {
    out.push({ range, severity: Severity.Information, code: 'not-local', message: `${image} is not in any local store: the build will pull it` });
  }
}
