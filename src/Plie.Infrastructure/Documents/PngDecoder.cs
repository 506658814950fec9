using System.Buffers.Binary;
using System.IO.Compression;

namespace Plie.Infrastructure.Documents;

/// <summary>Decodes 8-bit, non-interlaced RGB/RGBA/grey PNGs (what a canvas exports) to RGB pixels on white.</summary>
public static class PngDecoder
{
    public static (byte[] Rgb, int Width, int Height) ToRgb(byte[] png)
    {
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
            throw new InvalidDataException("Ce n'est pas une image PNG.");
        int width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        for (var i = 8; i + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(i));
            var type = System.Text.Encoding.ASCII.GetString(png, i + 4, 4);
            if (length < 0 || i + 12 + length > png.Length) throw new InvalidDataException("Image PNG tronquée.");
            var data = png.AsSpan(i + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    colorType = data[9];
                    if (data[8] != 8 || data[12] != 0 || colorType is not (0 or 2 or 4 or 6))
                        throw new InvalidDataException("PNG non pris en charge (8 bits, non entrelacé, RVB ou gris).");
                    if (width is < 1 or > 4000 || height is < 1 or > 4000) throw new InvalidDataException("Image PNG trop grande.");
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            i += 12 + length;
        }
        if (width == 0) throw new InvalidDataException("Image PNG sans en-tête.");
        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.ReadExactly(raw);

        var rgb = new byte[width * height * 3];
        var previous = new byte[stride];
        var current = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, current, 0, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                current[x] = (byte)(current[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException("Filtre PNG inconnu."),
                });
            }
            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                int r, g, bl, alpha;
                if (channels <= 2) { r = g = bl = current[p]; alpha = channels == 2 ? current[p + 1] : 255; }
                else { r = current[p]; g = current[p + 1]; bl = current[p + 2]; alpha = channels == 4 ? current[p + 3] : 255; }
                var o = (y * width + x) * 3;
                rgb[o] = (byte)((r * alpha + 255 * (255 - alpha)) / 255);
                rgb[o + 1] = (byte)((g * alpha + 255 * (255 - alpha)) / 255);
                rgb[o + 2] = (byte)((bl * alpha + 255 * (255 - alpha)) / 255);
            }
            (previous, current) = (current, previous);
        }
        return (rgb, width, height);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
