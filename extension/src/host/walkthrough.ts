/**
 * walkthrough holds the command the **Get started with KubeLab** walkthrough
 * links to that no other surface offers: opening its sample manifest. The
 * sample is copied once into the extension's storage, so the learner edits and
 * applies a file of their own, never the installed extension's.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** WALKTHROUGH_SAMPLE is the sample's file name, under media/walkthrough/ in the extension. */
export const WALKTHROUGH_SAMPLE = 'web.yaml';

/** sampleCopy copies the sample into dir unless a copy is there already (the learner's edits stay), and gives the copy's path. */
export async function sampleCopy(extensionPath: string, dir: string): Promise<string> {
  const target = join(dir, WALKTHROUGH_SAMPLE);
  await mkdir(dir, { recursive: true });
  try {
    await copyFile(join(extensionPath, 'media', 'walkthrough', WALKTHROUGH_SAMPLE), target, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return target;
}

/** registerWalkthrough registers kubelab.openWalkthroughSample; storagePath is the extension's global storage folder. */
export function registerWalkthrough(extensionPath: string, storagePath: string, showError: (err: unknown) => void): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubelab.openWalkthroughSample', async () => {
      try {
        const file = await sampleCopy(extensionPath, join(storagePath, 'walkthrough'));
        await vscode.window.showTextDocument(vscode.Uri.file(file));
      } catch (err) {
        showError(err);
      }
    }),
  ];
}
