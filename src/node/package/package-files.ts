/**
 * What every package build writes the same way, Open CTI or Salesforce Voice: files placed under
 * the package directory (the project's own files at its root), and the DX project file.
 */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string | Buffer;
}

/** A file list and the `add` that places each path: `sfdx-project.json` and `README.md` at the root, the rest under `packageDir`. */
export function packageFileList(packageDir: string): { files: GeneratedFile[]; add(path: string, content: string | Buffer): void } {
  const files: GeneratedFile[] = [];
  return {
    files,
    add(path, content) {
      files.push({ path: path === 'sfdx-project.json' || path === 'README.md' ? path : `${packageDir}/${path}`, content });
    },
  };
}

/** The DX project file (`namespace` '' for an unmanaged package). */
export function sfdxProjectJson(internalName: string, namespace: string, apiVersion: string): string {
  return `${JSON.stringify(
    {
      packageDirectories: [{ path: 'force-app', default: true }],
      name: `switchboard-${internalName}`,
      namespace,
      sfdcLoginUrl: 'https://login.salesforce.com',
      sourceApiVersion: apiVersion,
    },
    null,
    2,
  )}\n`;
}
