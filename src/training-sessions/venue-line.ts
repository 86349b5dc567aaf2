import { foldForSearch } from '../common/text/vietnamese';

/**
 * A session's place as printed and sent ("Hội trường …, Tỉnh Lai Châu"), without naming the province twice when
 * the venue already says it, whatever its case or accents ("…, tỉnh Lai Châu", "… TỈNH LAI CHÂU"). One rule for the
 * attendance papers, the certificates and the invitations.
 */
export function venueWithProvince(venue: string, provinceFullName: string | null | undefined): string {
  if (!provinceFullName) return venue;
  const bare = foldForSearch(provinceFullName.replace(/^(Tỉnh|Thành phố) /i, ''));
  return foldForSearch(venue).includes(bare) ? venue : `${venue}, ${provinceFullName}`;
}
