/** Field sums on the category page: thousands separators, at most two decimals. */
const sumFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatSum = (value: number) => sumFormat.format(value);
