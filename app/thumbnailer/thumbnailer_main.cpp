// tensorscope-thumbnailer: the freedesktop thumbnailer (packaging/linux/tensorscope.thumbnailer) file
// managers run as `tensorscope-thumbnailer -s SIZE INPUT OUTPUT.png`. It reads only the index and protos.
#include "app/thumbnailer/thumbnail.h"
#include "io/artifact.h"

#include <QGuiApplication>
#include <QUrl>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv)
{
    int size = 128;
    std::vector<const char*> paths;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            size = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::puts(
                "Usage: tensorscope-thumbnailer [-s SIZE] INPUT OUTPUT.png\n"
                "Paints a SIZE x SIZE PNG (default 128) showing a TensorFlow checkpoint's or SavedModel's\n"
                "parameter count and dtype mix. INPUT may be a path or a file:// URI.");
            return 0;
        } else
            paths.push_back(argv[i]);
    }
    if (paths.size() != 2 || size < 16 || size > 1024) {
        std::fputs("usage: tensorscope-thumbnailer [-s SIZE (16..1024)] INPUT OUTPUT.png\n", stderr);
        return 2;
    }
    // Fonts need a QGuiApplication; a thumbnailer never has a window, so it needs no display either.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);

    QString input = QString::fromLocal8Bit(paths[0]);
    if (input.startsWith(QStringLiteral("file:"))) input = QUrl(input).toLocalFile();
    auto artifact = tscope::io::openArtifact(std::filesystem::path(input.toStdString()));
    if (!artifact) {
        std::fprintf(stderr, "tensorscope-thumbnailer: %s\n", artifact.status().toString().c_str());
        return 3;
    }
    const QImage image = tscope::app::paintThumbnail(tscope::app::thumbnailFacts(**artifact), size);
    if (!image.save(QString::fromLocal8Bit(paths[1]), "PNG")) {
        std::fprintf(stderr, "tensorscope-thumbnailer: cannot write %s\n", paths[1]);
        return 3;
    }
    return 0;
}
