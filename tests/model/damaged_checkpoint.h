// A damaged copy of a small checkpoint written by TensorFlow (the committed tf215 fixture): both files
// are copied into a temporary directory and one byte in the middle of the largest tensor's payload in
// the .data file is flipped, so exactly that tensor's CRC no longer matches.
#pragma once

#include "io/bundle_reader.h"

#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>
#include <string>

namespace tscope::test {

struct DamagedCheckpoint {
    QString prefix; // <dir>/ckpt-1
    std::string damagedKey;
    uint64_t damagedOffset = 0; // of the flipped byte in the .data file
};

inline QString fixtureCheckpointDir()
{
    return QStringLiteral(TSCOPE_FIXTURES_DIR "/tf215/ckpt_train_adam/train");
}

// Copies the fixture into `dir`; with `damage`, flips a byte of the largest tensor.
inline DamagedCheckpoint copyCheckpoint(const QTemporaryDir& dir, bool damage = true)
{
    DamagedCheckpoint out;
    out.prefix = dir.filePath(QStringLiteral("ckpt-1"));
    const QString dataName = QStringLiteral("ckpt-1.data-00000-of-00001");
    for (const QString& name : { QStringLiteral("ckpt-1.index"), dataName })
        if (!QFile::copy(fixtureCheckpointDir() + QLatin1Char('/') + name, dir.filePath(name))) return {};
    if (!damage) return out;
    { // the reader (and its mapping) is gone before the file is written
        auto reader = io::BundleReader::open(out.prefix.toStdString());
        if (!reader) return {};
        const io::TensorEntry* largest = nullptr;
        for (const auto& e : (*reader)->entries())
            if (!e.partitioned() && e.stored.shard == 0 && (!largest || e.stored.size > largest->stored.size))
                largest = &e;
        if (!largest || largest->stored.size == 0) return {};
        out.damagedKey = largest->key;
        out.damagedOffset = largest->stored.offset + largest->stored.size / 2;
    }
    QFile data(dir.filePath(dataName));
    if (!data.open(QIODevice::ReadWrite) || !data.seek(static_cast<qint64>(out.damagedOffset))) return {};
    char byte = 0;
    if (!data.getChar(&byte) || !data.seek(static_cast<qint64>(out.damagedOffset))) return {};
    data.putChar(static_cast<char>(byte ^ 0x5a));
    return out;
}

} // namespace tscope::test
