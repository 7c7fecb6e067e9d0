// Natural ordering of names: runs of digits compare as numbers, so Field_2 < Field_10 and
// layer_9 < layer_10, the way people count (file managers do the same).
#pragma once

#include <QStringView>

namespace tscope::model {

// <0, 0 or >0 like strcmp; case-insensitive; equal numbers with more leading zeros sort after
// ("1" < "01") so the order is total.
int naturalCompare(QStringView a, QStringView b);

} // namespace tscope::model
