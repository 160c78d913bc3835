import { readProtocolCatalogue } from '@parcours/domain';
import type { ReadStore } from '@parcours/projections';

/**
 * The labels of the protocols' `code@version` (the parts of `qualite.protocoles`, the category of each
 * application in the annex): the title of that version as the CPTS's catalogue published it.
 */
export type ProtocolLabels = ReadonlyMap<string, string>;

export function protocolLabels(readStore: ReadStore, cptsId: string): ProtocolLabels {
  const labels = new Map<string, string>();
  for (const protocol of readProtocolCatalogue(readStore, cptsId, new Date()).items) {
    for (const version of protocol.versions) {
      labels.set(`${protocol.code}@${version.version}`, `${version.title} (version ${version.version})`);
    }
  }
  return labels;
}
