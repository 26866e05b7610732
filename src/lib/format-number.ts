/** Every count on screen is written alike: thousands separators ("1,000 events" beside "1,000 / 10,000"). */
const countFormat = new Intl.NumberFormat();
/** Field sums on the category page: thousands separators, at most two decimals. */
const sumFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatNumber = (value: number) => countFormat.format(value);
export const formatSum = (value: number) => sumFormat.format(value);
