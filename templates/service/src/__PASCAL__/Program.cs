var app = __PASCAL__.ServiceApp.Build(args);
app.Run();
