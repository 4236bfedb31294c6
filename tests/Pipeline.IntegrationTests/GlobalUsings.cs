global using System.Net;
global using System.Text;
global using System.Text.Json;
global using Pipeline.IntegrationTests.Infrastructure;
global using Pipeline.Testing;
global using Xunit;
