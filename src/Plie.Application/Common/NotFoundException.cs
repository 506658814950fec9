namespace Plie.Application.Common;

/// <summary>The thing asked for does not exist, or is outside what the user may see.</summary>
public sealed class NotFoundException(string message) : Exception(message);
