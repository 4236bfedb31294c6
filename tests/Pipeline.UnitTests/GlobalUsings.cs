global using System.Text.Json;
global using Xunit;
