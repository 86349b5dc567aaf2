import QRCode from 'qrcode';
import jsQR from 'jsqr';
import { tokenFromScan } from './attendance-rules';
import { newToken } from '../common/tokens';

/** The badge QR (drawn from qrcode's module matrix) is what the phone's decoder (jsQR) reads back. */
describe('badge QR codes', () => {
  it('decode with jsQR to the check-in URL, and the scanner takes the token from it', () => {
    const token = newToken();
    const url = `https://taphuan.example.vn/checkin/t/${token}`;
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const scale = 6;
    const quiet = 4;
    const side = (modules.size + 2 * quiet) * scale;
    const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const r = Math.floor(y / scale) - quiet;
        const c = Math.floor(x / scale) - quiet;
        if (r >= 0 && c >= 0 && r < modules.size && c < modules.size && modules.get(r, c)) {
          const i = (y * side + x) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }
    const decoded = jsQR(rgba, side, side);
    expect(decoded?.data).toBe(url);
    expect(tokenFromScan(decoded!.data)).toBe(token);
  });
});
