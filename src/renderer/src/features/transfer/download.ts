import { saveBlob } from '../response/body/saveBody'

/** A text file handed to the browser's (Electron's) download: the person picks where it goes. */
export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  saveBlob(new Blob([text], { type }), fileName)
}
