/*
 * Inspect and history data for the standalone webview page tests, shaped like podman's output
 * (archives-and-references.md §8.3, §9), with attacker-style labels and history lines.
 */
import type { HistoryDto, PanelImage, InspectDto } from '../../src/shared/webview-protocol';

export const IMAGE_ID = 'c13df9476c5796d74fae44fe27b9dfc349be7a95de405a0bbd23f94411defa79';
export const REF: PanelImage = { storeId: 'rootful:/var/lib/containers/storage', imageId: IMAGE_ID };

/** Strings that would run script if any of them reached innerHTML. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"; alert(1)</script>',
  img: '<img src=x onerror="window.__pwned = \'img\'; alert(2)">',
  svg: '<svg onload="window.__pwned = \'svg\'">',
  bidi: 'invoice\u202Efdp.exe',
} as const;

export function inspectFixture(): InspectDto {
  return {
    Id: IMAGE_ID,
    Digest: 'sha256:057d6e64d967c25ff595c9795879fcad17f3d28cf1fc1d9881378051e2f2506f',
    RepoTags: ['localhost/app:v1', 'localhost/app:latest', 'quay.io/example/app:1.0'],
    RepoDigests: ['localhost/app@sha256:057d6e64d967c25ff595c9795879fcad17f3d28cf1fc1d9881378051e2f2506f'],
    Parent: 'f6e60c6c88c4970b36ceb789c0d9a713e1ec57951ec903e2ee80266fd759dd0b',
    Comment: 'base import',
    Created: '2026-11-26T06:49:51.000186968Z',
    Config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'FOO=bar'],
      Cmd: ['/bin/sh'],
      WorkingDir: '/',
      Labels: {
        maintainer: 'Jane Doe <jane@example.com>',
        'org.example.script': HOSTILE.script,
        'org.example.img': HOSTILE.img,
        [HOSTILE.svg]: 'key is hostile too',
        'org.example.bidi': HOSTILE.bidi,
        'org.opencontainers.image.title': 'demo app',
      },
    },
    Version: '',
    Author: '',
    Architecture: 'amd64',
    Os: 'linux',
    Size: 14_366_720,
    VirtualSize: 14_366_720,
    GraphDriver: { Name: 'overlay', Data: { UpperDir: '/var/lib/containers/storage/overlay/4f1e/diff', WorkDir: '/var/lib/containers/storage/overlay/4f1e/work' } },
    RootFS: {
      Type: 'layers',
      Layers: [
        'sha256:8d3ac3489996423f53d6087c81180006263b79f206d3fdec9e66f0e27ceb8759',
        'sha256:1aeaf3ab0e4f3c2e4b3e1a64b5a0f4b7f1b2f0b7d6bb3dcbd0b5a1b5e4e2a1c0',
        'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef',
      ],
    },
    Labels: {
      maintainer: 'Jane Doe <jane@example.com>',
      'org.example.script': HOSTILE.script,
      'org.example.img': HOSTILE.img,
      [HOSTILE.svg]: 'key is hostile too',
      'org.example.bidi': HOSTILE.bidi,
      'org.opencontainers.image.title': 'demo app',
    },
    Annotations: {},
    ManifestType: 'application/vnd.oci.image.manifest.v1+json',
    User: '',
    History: [
      { created: '2026-11-26T06:49:40.1Z', created_by: '/bin/sh -c #(nop) ADD file:28b1e65cf78aa09 in / ', comment: 'base import' },
      { created: '2026-11-26T06:49:45Z', created_by: `/bin/sh -c #(nop) LABEL org.example.script=${HOSTILE.script}`, empty_layer: true },
      { created: '2026-11-26T06:49:50Z', created_by: `/bin/sh -c echo '${HOSTILE.img}' > /index.html` },
      { created: '2026-11-26T06:49:51Z', created_by: '/bin/sh -c #(nop) COPY file:08471ab2eaddef in /b.txt ' },
    ],
    NamesHistory: ['quay.io/example/app:1.0', 'localhost/app:latest', 'localhost/app:v1'],
  };
}

export function historyFixture(): HistoryDto[] {
  return [
    { id: IMAGE_ID, created: '2026-11-26T06:49:51Z', createdBy: '/bin/sh -c #(nop) COPY file:08471ab2eaddef in /b.txt ', size: 2048, comment: 'FROM f6e60c6c88c4', emptyLayer: false },
    { id: '<missing>', created: '2026-11-26T06:49:50Z', createdBy: `/bin/sh -c echo '${HOSTILE.img}' > /index.html`, size: 4_194_304, comment: HOSTILE.svg, emptyLayer: false },
    { id: 'f6e60c6c88c4970b36ceb789c0d9a713e1ec57951ec903e2ee80266fd759dd0b', created: '2026-11-26T06:49:45Z', createdBy: `/bin/sh -c #(nop) LABEL org.example.script=${HOSTILE.script}`, size: 0, comment: 'FROM localhost/mybase:latest', emptyLayer: true },
    { id: '<missing>', created: '2026-11-26T06:49:40.1Z', createdBy: '/bin/sh -c #(nop) ADD file:28b1e65cf78aa09 in / ', size: 10_170_368, comment: 'base import', emptyLayer: false },
  ];
}
