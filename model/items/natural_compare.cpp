#include "model/items/natural_compare.h"

namespace tscope::model {

namespace {
bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}
} // namespace

int naturalCompare(QStringView a, QStringView b)
{
    qsizetype i = 0, j = 0;
    int zerosTieBreak = 0; // the first difference in leading zeros, used only if all else is equal
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            const qsizetype si = i, sj = j;
            while (i < a.size() && a[i] == u'0')
                ++i;
            while (j < b.size() && b[j] == u'0')
                ++j;
            const qsizetype di = i, dj = j; // first significant digits
            while (i < a.size() && isDigit(a[i]))
                ++i;
            while (j < b.size() && isDigit(b[j]))
                ++j;
            const qsizetype li = i - di, lj = j - dj;
            if (li != lj) return li < lj ? -1 : 1; // more significant digits: larger number
            for (qsizetype k = 0; k < li; ++k)
                if (a[di + k] != b[dj + k]) return a[di + k] < b[dj + k] ? -1 : 1;
            if (zerosTieBreak == 0 && (di - si) != (dj - sj)) zerosTieBreak = (di - si) < (dj - sj) ? -1 : 1;
            continue;
        }
        const QChar ca = a[i].toCaseFolded(), cb = b[j].toCaseFolded();
        if (ca != cb) return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size()) return 1;
    if (j < b.size()) return -1;
    return zerosTieBreak;
}

} // namespace tscope::model
