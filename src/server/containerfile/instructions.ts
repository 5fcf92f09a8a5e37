/*
 * The instructions a Containerfile may hold, with a one-paragraph description each for hover and
 * completion. Descriptions are ours, written for people who know containers but not every flag.
 */

export interface InstructionInfo {
  keyword: string;
  syntax: string;
  summary: string;
  deprecated?: string;
}

export const INSTRUCTIONS: readonly InstructionInfo[] = [
  { keyword: 'FROM', syntax: 'FROM [--platform=<platform>] <image> [AS <name>]', summary: 'Starts a build stage from a base image (or `scratch`). Later stages can copy from it by name.' },
  { keyword: 'RUN', syntax: 'RUN [--mount=…] <command> | RUN ["exec", "form"]', summary: 'Runs a command in a container of the current image and commits the result as a new layer.' },
  { keyword: 'CMD', syntax: 'CMD ["executable", "param"] | CMD command param', summary: 'Default command (or default arguments to ENTRYPOINT) of containers made from the image. Only the last CMD counts.' },
  { keyword: 'LABEL', syntax: 'LABEL <key>=<value> [<key>=<value>…]', summary: 'Adds metadata to the image config. Labels show up in `podman inspect` and in Strata’s inspect view.' },
  { keyword: 'EXPOSE', syntax: 'EXPOSE <port>[/<protocol>]…', summary: 'Documents the ports the container listens on; it publishes nothing by itself.' },
  { keyword: 'ENV', syntax: 'ENV <key>=<value>…', summary: 'Sets environment variables for the following instructions and for containers made from the image.' },
  { keyword: 'ADD', syntax: 'ADD [--chown=…] <src>… <dest>', summary: 'Copies files, directories or remote URLs into the image, unpacking local tar archives. Prefer COPY unless you need that.' },
  { keyword: 'COPY', syntax: 'COPY [--from=<stage|image>] [--chown=…] <src>… <dest>', summary: 'Copies files from the build context, another stage or an image into the image.' },
  { keyword: 'ENTRYPOINT', syntax: 'ENTRYPOINT ["executable", "param"]', summary: 'The executable containers run; CMD supplies its default arguments.' },
  { keyword: 'VOLUME', syntax: 'VOLUME ["/path"]', summary: 'Declares mount points whose content lives outside the container’s layers.' },
  { keyword: 'USER', syntax: 'USER <user>[:<group>]', summary: 'The user (and group) for the following RUN, CMD and ENTRYPOINT instructions.' },
  { keyword: 'WORKDIR', syntax: 'WORKDIR <path>', summary: 'Working directory for the following instructions and for containers; created if missing.' },
  { keyword: 'ARG', syntax: 'ARG <name>[=<default>]', summary: 'A build-time variable (`--build-arg`). An ARG before the first FROM can be used in FROM lines.' },
  { keyword: 'ONBUILD', syntax: 'ONBUILD <instruction>', summary: 'An instruction to run later, when another build uses this image as its base.' },
  { keyword: 'STOPSIGNAL', syntax: 'STOPSIGNAL <signal>', summary: 'The signal sent to stop containers made from the image.' },
  { keyword: 'HEALTHCHECK', syntax: 'HEALTHCHECK [--interval=…] CMD <command> | HEALTHCHECK NONE', summary: 'How to test that a container still works. Kept only in Docker-format images (`--format docker`).' },
  { keyword: 'SHELL', syntax: 'SHELL ["executable", "param"]', summary: 'The shell used by the shell form of RUN, CMD and ENTRYPOINT. Docker-format images only.' },
  { keyword: 'MAINTAINER', syntax: 'MAINTAINER <name>', summary: 'Sets the image author.', deprecated: 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…' },
];

export const INSTRUCTION_BY_KEYWORD: ReadonlyMap<string, InstructionInfo> = new Map(INSTRUCTIONS.map((i) => [i.keyword, i]));
