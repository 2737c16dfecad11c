/** Click-to-chat: the wa.me link to the business number and a QR code that opens it. */
export { buildChatLink, chatNumber, reportedChatNumber, WA_ME_URL, type ChatLink } from './link';
export { DEFAULT_QR_CODE_OPTIONS, QR_MARGIN_RANGE, QR_SIZE_RANGE, qrCodeImages, type QrCodeImages, type QrCodeOptions, type QrErrorCorrection } from './qr';
